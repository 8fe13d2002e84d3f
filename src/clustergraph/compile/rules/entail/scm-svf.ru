# scm-svf1 and scm-svf2: someValuesFrom restrictions follow the hierarchies of their classes and properties.
INSERT { ?c1 rdfs:subClassOf ?c2 } WHERE {
  ?c1 owl:someValuesFrom ?y1 ; owl:onProperty ?p1 .
  ?c2 owl:someValuesFrom ?y2 ; owl:onProperty ?p2 .
  { FILTER(?p1 = ?p2) ?y1 rdfs:subClassOf ?y2 } UNION { FILTER(?y1 = ?y2) ?p1 rdfs:subPropertyOf ?p2 }
}
