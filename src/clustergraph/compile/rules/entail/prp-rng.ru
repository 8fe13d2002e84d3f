# prp-rng: the object of a property is in its range (a literal cannot be a subject, so it is skipped).
INSERT { ?y a ?c } WHERE { ?p rdfs:range ?c . ?x ?p ?y FILTER(!isLiteral(?y)) }
