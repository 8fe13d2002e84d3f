# scm-uni: each class of a union is a sub-class of the union.
INSERT { ?member rdfs:subClassOf ?c } WHERE { ?c owl:unionOf ?list . ?list rdf:rest*/rdf:first ?member }
