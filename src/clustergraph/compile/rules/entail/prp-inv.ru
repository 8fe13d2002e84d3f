# prp-inv1 and prp-inv2: a property and its inverse hold in opposite directions.
INSERT { ?y ?q ?x } WHERE {
  { ?p owl:inverseOf ?q } UNION { ?q owl:inverseOf ?p }
  ?x ?p ?y FILTER(!isLiteral(?y))
}
