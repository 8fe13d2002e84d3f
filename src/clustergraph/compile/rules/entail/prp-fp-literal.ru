# prp-fp with literal values, then eq-rep-o: RDF gives a literal no triples of its own, so the "same as"
# between two values of a functional property is applied directly to every triple that points at one.
INSERT { ?s ?q ?y2 } WHERE {
  ?p a owl:FunctionalProperty . ?x ?p ?y1 , ?y2 FILTER(?y1 != ?y2 && isLiteral(?y1) && isLiteral(?y2))
  ?s ?q ?y1
}
