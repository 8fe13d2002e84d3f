# prp-spo2 for chains of two properties; the reasoner rewrites longer chains into chains of two first.
INSERT { ?x ?p ?y } WHERE {
  ?p owl:propertyChainAxiom ?chain .
  ?chain rdf:first ?p1 ; rdf:rest ?rest .
  ?rest rdf:first ?p2 ; rdf:rest rdf:nil .
  ?x ?p1 ?u . ?u ?p2 ?y
}
