# eq-rep-p: a property the same as another has its triples.
INSERT { ?s ?q ?o } WHERE { ?p owl:sameAs ?q FILTER(?p != ?q) ?s ?p ?o }
