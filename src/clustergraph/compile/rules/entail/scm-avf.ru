# scm-avf1 and scm-avf2: allValuesFrom restrictions follow the class hierarchy, and reverse the property one.
INSERT { ?c1 rdfs:subClassOf ?c2 } WHERE {
  ?c1 owl:allValuesFrom ?y1 ; owl:onProperty ?p1 .
  ?c2 owl:allValuesFrom ?y2 ; owl:onProperty ?p2 .
  { FILTER(?p1 = ?p2) ?y1 rdfs:subClassOf ?y2 } UNION { FILTER(?y1 = ?y2) ?p2 rdfs:subPropertyOf ?p1 }
}
