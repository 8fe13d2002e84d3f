# cls-maxc2: two values of a property limited to one (maxCardinality 1) are the same individual.
INSERT { ?y1 owl:sameAs ?y2 } WHERE {
  ?r owl:maxCardinality ?n ; owl:onProperty ?p FILTER(?n = 1)
  ?u a ?r ; ?p ?y1 , ?y2 FILTER(?y1 != ?y2 && !isLiteral(?y1) && !isLiteral(?y2))
}
