# scm-cls: every class is a sub-class and an equivalent of itself, below owl:Thing and above owl:Nothing.
INSERT {
  ?c rdfs:subClassOf ?c , owl:Thing ; owl:equivalentClass ?c .
  owl:Nothing rdfs:subClassOf ?c .
} WHERE { ?c a owl:Class }
