# eq-sym: sameAs is symmetric.
INSERT { ?y owl:sameAs ?x } WHERE { ?x owl:sameAs ?y FILTER(?x != ?y) }
