# prp-symp: a symmetric property holds both ways.
INSERT { ?y ?p ?x } WHERE { ?p a owl:SymmetricProperty . ?x ?p ?y FILTER(!isLiteral(?y)) }
