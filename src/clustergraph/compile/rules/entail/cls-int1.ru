# cls-int1: a member of every class of an intersection is a member of the intersection.
INSERT { ?x a ?c } WHERE {
  ?c owl:intersectionOf ?list .
  ?list rdf:first ?first .
  ?x a ?first
  FILTER NOT EXISTS {
    ?list rdf:rest*/rdf:first ?member
    FILTER NOT EXISTS { ?x a ?member }
  }
}
