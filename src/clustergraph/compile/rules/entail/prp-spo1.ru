# prp-spo1: a sub-property's triples hold for its super-properties.
INSERT { ?x ?p2 ?y } WHERE { ?p1 rdfs:subPropertyOf ?p2 FILTER(?p1 != ?p2) ?x ?p1 ?y }
