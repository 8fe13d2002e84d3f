# scm-int: an intersection is a sub-class of each of its classes.
INSERT { ?c rdfs:subClassOf ?member } WHERE { ?c owl:intersectionOf ?list . ?list rdf:rest*/rdf:first ?member }
