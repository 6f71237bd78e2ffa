# expect: none
import torch

model = torch.nn.Linear(3, 1)
model.eval()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
loss = model(torch.ones(3)).sum()
optimizer.step()
if loss == 0:
    pass
seen = {loss}
