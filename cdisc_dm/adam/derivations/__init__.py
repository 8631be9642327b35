"""One module per derivation family, named after the function it defines."""
