# prp-eqp1 and prp-eqp2: equivalent properties share their triples.
INSERT { ?x ?q ?y } WHERE {
  { ?p owl:equivalentProperty ?q } UNION { ?q owl:equivalentProperty ?p }
  FILTER(?p != ?q)
  ?x ?p ?y
}
