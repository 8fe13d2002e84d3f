# scm-eqp2: properties that are sub-properties of each other are equivalent.
INSERT { ?p1 owl:equivalentProperty ?p2 } WHERE { ?p1 rdfs:subPropertyOf ?p2 . ?p2 rdfs:subPropertyOf ?p1 }
