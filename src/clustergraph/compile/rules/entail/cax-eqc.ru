# cax-eqc1 and cax-eqc2: equivalent classes have the same members.
INSERT { ?x a ?d } WHERE {
  { ?c owl:equivalentClass ?d } UNION { ?d owl:equivalentClass ?c }
  FILTER(?c != ?d)
  ?x a ?c
}
