# eq-trans: sameAs is transitive.
INSERT { ?x owl:sameAs ?z } WHERE { ?x owl:sameAs ?y . ?y owl:sameAs ?z FILTER(?x != ?z) }
