# cls-avf: every value of a member of an allValuesFrom restriction is in its class.
INSERT { ?v a ?y } WHERE { ?r owl:allValuesFrom ?y ; owl:onProperty ?p . ?u a ?r . ?u ?p ?v FILTER(!isLiteral(?v)) }
