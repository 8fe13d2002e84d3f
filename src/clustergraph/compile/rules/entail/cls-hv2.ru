# cls-hv2: something with the value of a hasValue restriction is in the restriction.
INSERT { ?u a ?r } WHERE { ?r owl:hasValue ?y ; owl:onProperty ?p . ?u ?p ?y }
