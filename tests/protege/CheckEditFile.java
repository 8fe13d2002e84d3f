import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import javax.xml.parsers.DocumentBuilderFactory;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.formats.RDFDocumentFormat;
import org.semanticweb.owlapi.io.OWLOntologyLoaderMetaData;
import org.semanticweb.owlapi.io.RDFParserMetaData;
import org.semanticweb.owlapi.model.*;
import org.semanticweb.owlapi.model.parameters.Imports;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;
import org.semanticweb.owlapi.search.EntitySearcher;
import org.semanticweb.owlapi.util.SimpleIRIMapper;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Opens an ODK-style edit file as Protégé does: imports resolved only through the XML catalog beside it
 * (the OWL API has no catalog reader; Protégé maps each catalog entry to a local file), a missing import
 * is an error, and nothing is fetched from the web. Prints one line per problem:
 * UNPARSED (a triple the OWL API could not read as OWL), PROFILE (an OWL 2 DL violation), LABEL (an
 * entity without an English or a Russian rdfs:label); then a summary line. Exit status 1 if any.
 */
public class CheckEditFile {
    private static final String XSD = "http://www.w3.org/2001/XMLSchema#";

    public static void main(String[] args) throws Exception {
        File edit = new File(args[0]);
        File catalog = new File(args[1]);
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        manager.getIRIMappers().clear();
        DocumentBuilderFactory xml = DocumentBuilderFactory.newInstance();
        xml.setNamespaceAware(true);
        NodeList entries = xml.newDocumentBuilder().parse(catalog).getElementsByTagNameNS("*", "uri");
        for (int i = 0; i < entries.getLength(); i++) {
            Element entry = (Element) entries.item(i);
            File local = new File(catalog.getParentFile(), entry.getAttribute("uri")).getCanonicalFile();
            manager.getIRIMappers().add(new SimpleIRIMapper(IRI.create(entry.getAttribute("name")), IRI.create(local)));
        }
        manager.setOntologyLoaderConfiguration(manager.getOntologyLoaderConfiguration()
            .setMissingImportHandlingStrategy(MissingImportHandlingStrategy.THROW_EXCEPTION)
            .setStrict(false));
        OWLOntology root = manager.loadOntologyFromOntologyDocument(edit);
        List<String> problems = new ArrayList<>();
        for (OWLOntology module : root.getImportsClosure()) {
            OWLDocumentFormat format = manager.getOntologyFormat(module);
            if (format instanceof RDFDocumentFormat) {
                Optional<OWLOntologyLoaderMetaData> meta = ((RDFDocumentFormat) format).getOntologyLoaderMetaData();
                if (meta.isPresent() && meta.get() instanceof RDFParserMetaData) {
                    ((RDFParserMetaData) meta.get()).getUnparsedTriples().forEach(
                        t -> problems.add("UNPARSED " + module.getOntologyID().getOntologyIRI().map(IRI::toString).orElse("?") + " " + t));
                }
            }
        }
        for (OWLProfileViolation violation : new OWL2DLProfile().checkOntology(root).getViolations()) {
            problems.add("PROFILE " + violation.toString().replace('\n', ' '));
        }
        TreeSet<String> unlabelled = new TreeSet<>();
        int entities = 0;
        for (OWLEntity entity : root.getSignature(Imports.INCLUDED)) {
            if (entity.isBuiltIn() || entity.isOWLDatatype() && entity.getIRI().toString().startsWith(XSD)) {
                continue; // OWL's and XML Schema's own terms are named by their standards, not by us
            }
            entities++;
            boolean en = false;
            boolean ru = false;
            for (OWLOntology module : root.getImportsClosure()) {
                for (OWLAnnotation label : (Iterable<OWLAnnotation>) EntitySearcher.getAnnotations(entity, module, manager.getOWLDataFactory().getRDFSLabel())::iterator) {
                    if (label.getValue() instanceof OWLLiteral) {
                        String lang = ((OWLLiteral) label.getValue()).getLang();
                        en |= lang.equals("en");
                        ru |= lang.equals("ru");
                    }
                }
            }
            if (!en || !ru) {
                String usedIn = root.referencingAxioms(entity, Imports.INCLUDED).findFirst().map(Object::toString).orElse("");
                unlabelled.add("LABEL " + entity.getEntityType() + " " + entity.getIRI() + (en ? "" : " (no @en)")
                    + (ru ? "" : " (no @ru)") + " used in " + usedIn);
            }
        }
        problems.addAll(unlabelled);
        problems.forEach(System.out::println);
        System.out.println("SUMMARY modules=" + root.getImportsClosure().size() + " entities=" + entities
            + " individuals=" + root.getIndividualsInSignature(Imports.INCLUDED).size() + " problems=" + problems.size());
        System.exit(problems.isEmpty() ? 0 : 1);
    }
}
