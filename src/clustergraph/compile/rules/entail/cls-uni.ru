# cls-uni: a member of one class of a union is a member of the union.
INSERT { ?x a ?c } WHERE { ?c owl:unionOf ?list . ?list rdf:rest*/rdf:first ?member . ?x a ?member }
