# scm-op and scm-dp (owlrl also counts rdf:Property): every property is a sub-property and an equivalent of itself.
INSERT { ?p rdfs:subPropertyOf ?p ; owl:equivalentProperty ?p } WHERE {
  VALUES ?kind { owl:ObjectProperty owl:DatatypeProperty rdf:Property }
  ?p a ?kind
}
