module example.invalid/unleashed-signer/bindings/go

go 1.19
