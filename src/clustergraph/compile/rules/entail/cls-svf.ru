# cls-svf1 and cls-svf2: something with a value of the right class (any, for owl:Thing) is in the restriction.
INSERT { ?u a ?r } WHERE {
  ?r owl:someValuesFrom ?y ; owl:onProperty ?p .
  ?u ?p ?v
  FILTER(?y = owl:Thing || EXISTS { ?v a ?y })
}
