# eq-rep-o: what points at an object points at everything the same as it.
INSERT { ?s ?p ?t } WHERE { ?o owl:sameAs ?t FILTER(?o != ?t) ?s ?p ?o }
