"""What the analysts' endpoints and the pages answer, built from the rows of `api/queries/*.rq`.

Each function takes the store and a `Linker` and returns a pydantic model from `api.models`; the
routes only parse parameters and choose the representation.
"""
