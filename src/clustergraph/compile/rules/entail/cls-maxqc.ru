# cls-maxqc3 and cls-maxqc4: two values in the class of a qualified maxCardinality 1 are the same individual.
INSERT { ?y1 owl:sameAs ?y2 } WHERE {
  ?r owl:maxQualifiedCardinality ?n ; owl:onProperty ?p ; owl:onClass ?c FILTER(?n = 1)
  ?u a ?r ; ?p ?y1 , ?y2 FILTER(?y1 != ?y2 && !isLiteral(?y1) && !isLiteral(?y2))
  FILTER(?c = owl:Thing || EXISTS { ?y1 a ?c . ?y2 a ?c })
}
