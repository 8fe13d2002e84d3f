# scm-spo: sub-property is transitive.
INSERT { ?p1 rdfs:subPropertyOf ?p3 } WHERE { ?p1 rdfs:subPropertyOf ?p2 . ?p2 rdfs:subPropertyOf ?p3 }
