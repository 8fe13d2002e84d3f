# prp-dom: the subject of a property is in its domain.
INSERT { ?x a ?c } WHERE { ?p rdfs:domain ?c . ?x ?p ?y }
