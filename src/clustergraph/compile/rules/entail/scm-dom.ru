# scm-dom1 and scm-dom2: a domain widens to super-classes and narrows to sub-properties.
INSERT { ?p rdfs:domain ?d } WHERE {
  { ?p rdfs:domain ?c . ?c rdfs:subClassOf ?d } UNION { ?q rdfs:domain ?d . ?p rdfs:subPropertyOf ?q }
}
