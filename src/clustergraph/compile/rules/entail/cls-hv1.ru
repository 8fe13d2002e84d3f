# cls-hv1: a member of a hasValue restriction has that value.
INSERT { ?u ?p ?y } WHERE { ?r owl:hasValue ?y ; owl:onProperty ?p . ?u a ?r }
