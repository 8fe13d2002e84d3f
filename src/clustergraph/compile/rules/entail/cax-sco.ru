# cax-sco: a member of a class is a member of its super-classes.
INSERT { ?x a ?c2 } WHERE { ?c1 rdfs:subClassOf ?c2 FILTER(?c1 != ?c2) ?x a ?c1 }
