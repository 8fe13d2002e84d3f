# prp-ifp: two subjects sharing a value of an inverse-functional property are the same individual.
INSERT { ?x1 owl:sameAs ?x2 } WHERE { ?p a owl:InverseFunctionalProperty . ?x1 ?p ?y . ?x2 ?p ?y FILTER(?x1 != ?x2) }
