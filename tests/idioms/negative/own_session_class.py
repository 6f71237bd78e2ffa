# expect: none
class Session:
    def run(self, job):
        return job()


class Graph:
    pass


session = Session()
session.run(print)
runner = Session()
runner.run(print)
graph = Graph()
