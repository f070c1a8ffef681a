import psycopg2

conn = psycopg2.connect(host="db.internal", user="app", password="Hx7#pQ2vLm9Tz4Rw")
