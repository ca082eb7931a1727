# generated from spec/klarna-ordermanagement.yaml by openapi-python-client 0.29.1, do not edit, run `make generate`
"""Contains endpoint functions for accessing the API"""
