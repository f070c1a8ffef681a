const stripe = require('stripe')('sk_live_4Rq8Zm2Lx7Vt9Nw3Kd6Hs1Jy');
