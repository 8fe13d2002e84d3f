# scm-eqc1: equivalent classes are sub-classes of each other.
INSERT { ?c1 rdfs:subClassOf ?c2 . ?c2 rdfs:subClassOf ?c1 } WHERE { ?c1 owl:equivalentClass ?c2 }
