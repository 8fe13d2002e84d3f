# scm-eqc2: classes that are sub-classes of each other are equivalent.
INSERT { ?c1 owl:equivalentClass ?c2 } WHERE { ?c1 rdfs:subClassOf ?c2 . ?c2 rdfs:subClassOf ?c1 }
