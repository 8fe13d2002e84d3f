# scm-hv: a hasValue restriction on a sub-property is below the same restriction on its super-property.
INSERT { ?c1 rdfs:subClassOf ?c2 } WHERE {
  ?c1 owl:hasValue ?i ; owl:onProperty ?p1 .
  ?c2 owl:hasValue ?i ; owl:onProperty ?p2 .
  ?p1 rdfs:subPropertyOf ?p2
}
