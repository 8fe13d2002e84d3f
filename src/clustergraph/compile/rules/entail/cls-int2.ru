# cls-int2: a member of an intersection is a member of each of its classes.
INSERT { ?x a ?member } WHERE { ?c owl:intersectionOf ?list . ?list rdf:rest*/rdf:first ?member . ?x a ?c }
