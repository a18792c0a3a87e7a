"""Training strategies: small-loss selection, co-teaching, spectral truncation, ANV."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
ln = pytest.importorskip("labelnoise.torch")


def test_small_loss_selection_is_a_stable_argsort_prefix():
    losses = torch.tensor([0.5, 0.1, 0.5, 0.9, 0.0, 0.3, 0.5])
    for rate in (0.0, 0.3, 0.5, 0.99, 1.0):
        keep = max(1, 7 - int(rate * 7 + 0.5))
        want = sorted(range(7), key=lambda i: (float(losses[i]), i))[:keep]
        assert ln.small_loss_selection(losses, forget_rate=rate).tolist() == want


def test_forget_rate_schedule_ramps_then_stays():
    rates = [ln.forget_rate_schedule(e, forget_rate=0.5, num_gradual=5) for e in range(8)]
    assert rates[0] == 0.0 and rates[5:] == [0.5, 0.5, 0.5]
    assert rates == sorted(rates)
    assert ln.forget_rate_schedule(0, forget_rate=0.5, num_gradual=0) == 0.5
    squared = ln.forget_rate_schedule(1, forget_rate=0.4, num_gradual=2, exponent=2.0)
    assert squared == pytest.approx(0.1)


def _noisy_blobs(n=400, noise=0.3, seed=0):
    gen = torch.Generator().manual_seed(seed)
    true = torch.randint(0, 2, (n,), generator=gen)
    x = torch.randn(n, 2, generator=gen) + 3.0 * true[:, None].float()
    flip = torch.rand(n, generator=gen) < noise
    return x, torch.where(flip, 1 - true, true), ~flip


def test_coteaching_keeps_mostly_clean_examples():
    torch.manual_seed(0)  # tests may use the global torch RNG for init; the library does not
    x, y, clean = _noisy_blobs()
    nets = [torch.nn.Linear(2, 2), torch.nn.Linear(2, 2)]
    opts = [torch.optim.SGD(n.parameters(), lr=0.5) for n in nets]
    ct = ln.CoTeaching(*nets, *opts, forget_rate=0.3, num_gradual=2)
    data = torch.utils.data.TensorDataset(x, y, torch.arange(len(y)))
    loader = torch.utils.data.DataLoader(data, batch_size=100, shuffle=False)
    epochs = [ct.train_epoch(loader, epoch=e) for e in range(6)]
    assert [e.forget_rate for e in epochs[:3]] == [0.0, 0.15, 0.3]
    last = epochs[-1]
    assert len(last.kept) == 4 * 70
    precision = float(clean[last.kept].float().mean())
    assert precision > 0.9 > float(clean.float().mean())  # 0.7 of all labels are clean
    assert last.loss1 > 0 and last.loss2 > 0


def test_coteaching_step_updates_each_net_on_the_peers_choice():
    torch.manual_seed(1)
    nets = [torch.nn.Linear(3, 4), torch.nn.Linear(3, 4)]
    opts = [torch.optim.SGD(n.parameters(), lr=0.1) for n in nets]
    x, y = torch.randn(10, 3), torch.randint(0, 4, (10,))
    expect = [torch.nn.functional.cross_entropy(n(x), y, reduction="none").detach() for n in nets]
    ct = ln.CoTeaching(*nets, *opts, forget_rate=0.4, autocast_dtype=torch.bfloat16)
    step = ct.step(x, y, forget_rate=0.4)
    assert len(step.kept1) == len(step.kept2) == 6
    plain = ln.CoTeaching(*nets, *opts, forget_rate=0.4)
    assert plain.rate(10) == 0.4
    kept2 = ln.small_loss_selection(expect[1], forget_rate=0.4)
    assert abs(float(step.loss1) - float(expect[0][kept2].mean())) < 0.05  # bf16 forward


def test_spectral_truncation_keeps_top_directions():
    gen = torch.Generator().manual_seed(0)
    basis, _ = torch.linalg.qr(torch.randn(6, 6, generator=gen, dtype=torch.float64))
    scales = torch.tensor([10.0, 5.0, 2.0, 0.1, 0.01, 0.001], dtype=torch.float64)
    feats = torch.randn(300, 6, generator=gen, dtype=torch.float64) * scales @ basis.T
    trunc = ln.SpectralTruncation(3).fit(feats)
    assert trunc.components_.shape == (3, 6)
    low = trunc.transform(feats)
    assert torch.linalg.matrix_rank(low) == 3
    torch.testing.assert_close(trunc.transform(low), low)  # a projection
    assert float((low - feats).norm() / feats.norm()) < 0.02
    energy = ln.SpectralTruncation(0.9).fit(feats)
    assert energy.components_.shape[0] == 2
    centred = ln.SpectralTruncation(2, center=True).fit_transform(feats + 100.0)
    torch.testing.assert_close(centred.mean(0), (feats + 100.0).mean(0))


def test_anv_takes_gradients_at_noisy_weights_and_updates_clean_ones():
    torch.manual_seed(2)
    net = torch.nn.Linear(3, 1, bias=False)
    clean = net.weight.detach().clone()
    gen = torch.Generator().manual_seed(5)
    opt = ln.ANVOptimizer(torch.optim.SGD(net.parameters(), lr=0.1), variability=0.5, generator=gen)
    noisy = net.weight.detach().clone()
    assert not torch.allclose(noisy, clean)
    with opt.clean():
        torch.testing.assert_close(net.weight.detach(), clean)
    torch.testing.assert_close(net.weight.detach(), noisy)
    x = torch.randn(5, 3)
    (net(x) ** 2).sum().backward()
    grad = net.weight.grad.clone()  # taken at the noisy weights
    torch.testing.assert_close(grad, (2 * (x @ noisy.T) * x).sum(0, keepdim=True))
    opt.step()
    opt.zero_grad()
    with opt.clean():
        torch.testing.assert_close(net.weight.detach(), clean - 0.1 * grad)
    opt.remove_noise()
    torch.testing.assert_close(net.weight.detach(), clean - 0.1 * grad)
    assert opt.param_groups[0]["lr"] == 0.1
    opt.load_state_dict(opt.state_dict())


def test_anv_with_zero_variability_is_the_wrapped_optimizer():
    torch.manual_seed(3)
    a, b = torch.nn.Linear(2, 1), torch.nn.Linear(2, 1)
    b.load_state_dict(a.state_dict())
    plain = torch.optim.SGD(a.parameters(), lr=0.1)
    anv = ln.ANVOptimizer(torch.optim.SGD(b.parameters(), lr=0.1), variability=0.0)
    x = torch.randn(4, 2)
    for net, opt in ((a, plain), (b, anv)):
        net(x).sum().backward()
        opt.step()
    torch.testing.assert_close(a.weight, b.weight)
