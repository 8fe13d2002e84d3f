# scm-eqp1: equivalent properties are sub-properties of each other.
INSERT { ?p1 rdfs:subPropertyOf ?p2 . ?p2 rdfs:subPropertyOf ?p1 } WHERE { ?p1 owl:equivalentProperty ?p2 }
