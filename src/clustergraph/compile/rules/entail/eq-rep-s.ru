# eq-rep-s: what is said of a subject is said of everything the same as it.
INSERT { ?t ?p ?o } WHERE { ?s owl:sameAs ?t FILTER(?s != ?t) ?s ?p ?o }
