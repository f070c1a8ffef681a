const config = {
  password: "${DB_PASSWORD}",
  token: "<insert-token>",
  apiKey: "xxxxxxxxxxxxxxxx",
  secret: process.env.SECRET,
};
