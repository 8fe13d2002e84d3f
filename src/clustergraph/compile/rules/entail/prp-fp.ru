# prp-fp: two values of a functional property are the same individual.
INSERT { ?y1 owl:sameAs ?y2 } WHERE {
  ?p a owl:FunctionalProperty . ?x ?p ?y1 , ?y2 FILTER(?y1 != ?y2 && !isLiteral(?y1) && !isLiteral(?y2))
}
