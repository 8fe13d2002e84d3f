# cls-oo: each individual an enumeration lists is a member of it.
INSERT { ?y a ?c } WHERE { ?c owl:oneOf ?list . ?list rdf:rest*/rdf:first ?y }
