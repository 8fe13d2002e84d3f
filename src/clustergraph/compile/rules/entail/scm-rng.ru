# scm-rng1 and scm-rng2: a range widens to super-classes and narrows to sub-properties.
INSERT { ?p rdfs:range ?d } WHERE {
  { ?p rdfs:range ?c . ?c rdfs:subClassOf ?d } UNION { ?q rdfs:range ?d . ?p rdfs:subPropertyOf ?q }
}
