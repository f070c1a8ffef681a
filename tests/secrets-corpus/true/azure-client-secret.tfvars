client_secret = "Xk98Q~aB3cD4eF5gH6iJ7kL8mN9oP0qR1sT2uV3"
