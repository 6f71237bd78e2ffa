# expect: none
from sqlalchemy.orm import Session

with Session(engine) as session:
    session.execute(query)
    session.run = None
