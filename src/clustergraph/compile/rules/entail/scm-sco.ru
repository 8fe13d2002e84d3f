# scm-sco: sub-class is transitive.
INSERT { ?c1 rdfs:subClassOf ?c3 } WHERE { ?c1 rdfs:subClassOf ?c2 . ?c2 rdfs:subClassOf ?c3 }
