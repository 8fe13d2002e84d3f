# prp-key: two members of a class with the same values for every key property are the same individual.
INSERT { ?x owl:sameAs ?y } WHERE {
  ?c owl:hasKey ?keys .
  ?x a ?c . ?y a ?c FILTER(?x != ?y)
  FILTER NOT EXISTS {
    ?keys rdf:rest*/rdf:first ?p
    FILTER NOT EXISTS { ?x ?p ?z . ?y ?p ?z }
  }
}
